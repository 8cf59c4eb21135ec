package httpx

import (
	"strconv"

	"github.com/labstack/echo/v4"
)

// PathID reads an id from the path; anything else is simply not found.
func PathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, NotFound()
	}
	return id, nil
}

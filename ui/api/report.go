package api

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sprakpool/sprakpool/booking"
	"github.com/sprakpool/sprakpool/booking/report"
	"github.com/sprakpool/sprakpool/ui/internal/httpx"
)

// wantsCSV reads the format a report is asked for: ?format=csv|json, else
// Accept: text/csv gives CSV; JSON otherwise.
func wantsCSV(c echo.Context) (bool, error) {
	switch c.QueryParam("format") {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, &booking.Error{Code: booking.CodeInvalid, Message: "format must be csv or json",
			Details: []booking.FieldError{{Field: "format", Message: "must be csv or json"}}}
	}
	for _, part := range strings.Split(c.Request().Header.Get(echo.HeaderAccept), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/csv" {
			return true, nil
		}
	}
	return false, nil
}

// renderReport answers with the report as JSON, or as the CSV file Excel opens
// (the same cells, from report.WriteCSV) named after the report and its range.
func renderReport(c echo.Context, rep report.Tabular, csv bool, name, from, to string) error {
	if !csv {
		return c.JSON(http.StatusOK, rep)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s_%s_%s.csv"`, name, from, to))
	c.Response().WriteHeader(http.StatusOK)
	return report.WriteCSV(c.Response(), rep)
}

// reportAPI serves one report: the format is checked before the work is done.
func (s *Server) reportAPI(k report.Kind) echo.HandlerFunc {
	return func(c echo.Context) error {
		csv, err := wantsCSV(c)
		if err != nil {
			return err
		}
		from, to := c.QueryParam("from"), c.QueryParam("to")
		rep, err := s.reports.Report(c.Request().Context(), httpx.Actor(c), k.Name, from, to, c.QueryParam("by"))
		if err != nil {
			return err
		}
		return renderReport(c, rep, csv, k.File, from, to)
	}
}

// rateJSON is an hourly rate for a funding period; to is null until further notice.
type rateJSON struct {
	ID          int64   `json:"id"`
	WorkplaceID *int64  `json:"workplace_id"`
	From        string  `json:"from"`
	To          *string `json:"to"`
	HourlyRate  float64 `json:"hourly_rate"`
	Funder      string  `json:"funder"`
	Note        string  `json:"note"`
}

// rateRequest creates or patches a rate; on PATCH, "to": "" makes the period
// open-ended and "workplace_id": 0 makes the rate pool-wide.
type rateRequest struct {
	WorkplaceID *int64   `json:"workplace_id"`
	From        *string  `json:"from"`
	To          *string  `json:"to"`
	HourlyRate  *float64 `json:"hourly_rate"`
	Funder      *string  `json:"funder"`
	Note        *string  `json:"note"`
}

func (r rateRequest) input() report.RateInput {
	return report.RateInput{WorkplaceID: r.WorkplaceID, From: r.From, To: r.To, HourlyRate: r.HourlyRate,
		Funder: r.Funder, Note: r.Note}
}

func toRateJSON(r *report.Rate) rateJSON {
	return rateJSON{ID: r.ID, WorkplaceID: r.WorkplaceID, From: r.ValidFrom, To: r.ValidTo, HourlyRate: r.HourlyRate(),
		Funder: r.Funder, Note: r.Note}
}

func (s *Server) listRates(c echo.Context) error {
	list, err := s.reports.Rates(c.Request().Context(), httpx.Actor(c))
	if err != nil {
		return err
	}
	out := make([]rateJSON, len(list))
	for i := range list {
		out[i] = toRateJSON(&list[i])
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createRate(c echo.Context) error {
	var req rateRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := s.reports.CreateRate(c.Request().Context(), httpx.Actor(c), req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toRateJSON(r))
}

func (s *Server) updateRate(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var req rateRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := s.reports.UpdateRate(c.Request().Context(), httpx.Actor(c), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRateJSON(r))
}

func (s *Server) deleteRate(c echo.Context) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.reports.DeleteRate(c.Request().Context(), httpx.Actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

-- +goose Up
-- Why a workplace booked, as codes that can be counted (several per follow-up),
-- and whether it would book again (NULL for follow-ups given before the question
-- was asked). The free-text why_booked stays for the quotes.
CREATE TABLE booking_followup_reasons (
    booking_id INTEGER NOT NULL REFERENCES booking_followups(booking_id),
    reason     TEXT NOT NULL CHECK (reason IN ('language_barrier','new_staff','substitutes','parents','safety_routines','meeting','other')),
    PRIMARY KEY (booking_id, reason)
);
ALTER TABLE booking_followups ADD COLUMN would_book_again BOOLEAN;

-- +goose Down
ALTER TABLE booking_followups DROP COLUMN would_book_again;
DROP TABLE booking_followup_reasons;

"""Realistic synthetic values for a letter, and one sender: every template test uses them."""

from stepwise.letters.render import Sender

VALUES = {
    "child": "Aroha",
    "child_full": "Aroha Ngata",
    "caregiver": "Mere Ngata",
    "school": "Kōwhai College",
    "sender": "Kōwhai Attendance Service",
    "contact_name": "Sam Walker",
    "phone": "09 555 0142",
    "days_missed": "12",
    "days_possible": "30",
    "days_per_year": "76",
    "weeks_per_year": "15",
    "school_year_days": "190",
    "not_enrolled_since": "3 August 2026",
    "meeting": "Tuesday 8 December 2026 at 3.30pm, in the school office",
    "reference": "C2026-00012",
}
SENDER = Sender(
    name="Kōwhai Attendance Service",
    address=("PO Box 4121", "Hamilton 3240"),
    phone="09 555 0142",
    email="attendance@example.org",
    signatory="Sam Walker",
    signatory_title="Attendance caseworker",
)
# A name made of the characters Typst would read as markup, code or a label.
MARKUP_NAME = "Mere #Ngata *bold* [link] $x^2$ <label> _u_ @ref \\ `raw`"

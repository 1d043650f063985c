"""Reference data that data migrations load (industries, the working-day calendar, the scoring model's first versions),
restored after a flush."""

from brands.reference_data import ensure_honour_weight
from complaints.reference_data import ensure_complaint_weights
from core.calendar_data import load_bundled_calendars
from core.models import CalendarDay, CalendarYear
from credit.listing_grounds import ensure_listing_grounds
from credit.models import ListingGround, ScoringModel
from credit.reference_data import ensure_scoring_model
from enterprises.models import Industry
from enterprises.reference_data import sync_industries
from equipment.models import Category as EquipmentCategory
from equipment.reference_data import ensure_categories as ensure_equipment_categories
from metrology.models import InstrumentCategory
from metrology.reference_data import ensure_categories as ensure_instrument_categories
from metrology.reference_data import ensure_metrology_weights


def restore_reference_data() -> None:
    """Load the bundled reference data again where it is missing (e.g. after `manage.py flush`)."""
    if not Industry.objects.exists():
        sync_industries(Industry)
    if not CalendarYear.objects.exists():
        load_bundled_calendars(CalendarYear, CalendarDay)
    ensure_scoring_model(ScoringModel)
    ensure_listing_grounds(ListingGround)
    ensure_honour_weight(ScoringModel)
    ensure_complaint_weights(ScoringModel)
    ensure_equipment_categories(EquipmentCategory)
    ensure_instrument_categories(InstrumentCategory)
    ensure_metrology_weights(ScoringModel)

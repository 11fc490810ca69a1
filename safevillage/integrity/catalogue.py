"""The rules as the reviewer reads them: code, severity, name and explanation in English and
Khmer, and what the register cannot show where a needed field does not exist. The texts are
data (like the supplementary fields' names), kept beside the rules they describe, so that the
page and the API give the same words in both languages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from safevillage.integrity.models import Severity


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    name_en: str
    name_km: str
    explanation_en: str
    explanation_km: str
    # What the check cannot see, because the register keeps no field for it ("" if nothing).
    limits_en: str = ""
    limits_km: str = ""

    def _km(self) -> bool:
        return not (get_language() or "km").startswith("en")

    @property
    def name(self) -> str:
        return self.name_km if self._km() else self.name_en

    @property
    def explanation(self) -> str:
        return self.explanation_km if self._km() else self.explanation_en

    @property
    def limits(self) -> str:
        return self.limits_km if self._km() else self.limits_en


RULES: tuple[Rule, ...] = (
    Rule(
        "implausible_drop",
        Severity.HIGH,
        "Implausible drop",
        "ការធ្លាក់ចុះមិនគួរឱ្យជឿ",
        "The crimes recorded are far fewer than the place's own last four periods and the change in the other "
        "communes of its district predict (at most half, with a Poisson probability below 0.001). A real fall "
        "is possible; so is hiding offences.",
        "បទឧក្រិដ្ឋដែលបានកត់ត្រា តិចជាងឆ្ងាយ ពីចំនួនដែលរយៈពេលបួនមុនរបស់ទីកន្លែងនេះ និងការប្រែប្រួលនៃឃុំផ្សេងទៀតក្នុងស្រុកតែមួយ "
        "បានព្យាករ (ពាក់កណ្ដាលឬតិចជាង ជាមួយប្រូបាប៊ីលីតេ Poisson ក្រោម ០,០០១)។ ការធ្លាក់ចុះពិតប្រាកដអាចកើតមាន "
        "ប៉ុន្តែការលាក់បាំងបទល្មើសក៏អាចកើតមានដែរ។",
    ),
    Rule(
        "category_downgrade",
        Severity.HIGH,
        "Offence moved to a lesser category",
        "បទល្មើសត្រូវបានប្ដូរទៅប្រភេទស្រាលជាង",
        "The category recorded at intake (in the audit log) is more serious than the category the record has "
        "now: a crime that may not be mediated became one that may, or a crime became a complaint.",
        "ប្រភេទដែលបានកត់ត្រានៅពេលទទួល (ក្នុងកំណត់ហេតុសវនកម្ម) ធ្ងន់ជាងប្រភេទដែលកំណត់ត្រាមានបច្ចុប្បន្ន៖ "
        "បទឧក្រិដ្ឋដែលមិនអាចសម្រុះសម្រួលបាន ក្លាយជាបទដែលអាចសម្រុះសម្រួលបាន ឬបទឧក្រិដ្ឋក្លាយជាបណ្ដឹង។",
        "The register has no action that changes a category, so every change found here was made outside the "
        "workflow; records entered without an intake event (bulk imports) cannot be checked.",
        "បញ្ជីមិនមានសកម្មភាពសម្រាប់ប្ដូរប្រភេទទេ ដូច្នេះការប្ដូរនីមួយៗដែលរកឃើញនៅទីនេះ ត្រូវបានធ្វើនៅក្រៅដំណើរការការងារ៖ "
        "កំណត់ត្រាដែលបានបញ្ចូលដោយគ្មានព្រឹត្តិការណ៍ទទួល (ការនាំចូលច្រើន) មិនអាចត្រួតពិនិត្យបានទេ។",
    ),
    Rule(
        "users_as_dealers",
        Severity.HIGH,
        "Users booked as dealers",
        "អ្នកប្រើប្រាស់ត្រូវបានចោទថាជាអ្នកជួញដូរ",
        "Drug-dealing records in which every drug seized is no more than a personal-use quantity, at least three "
        "and half of the dealing records of the commune or of one officer. Users may be booked as dealers to "
        "extort their families.",
        "កំណត់ត្រាជួញដូរគ្រឿងញៀន ដែលគ្រឿងញៀនដកហូតបានទាំងអស់ មិនលើសពីបរិមាណសម្រាប់ប្រើប្រាស់ផ្ទាល់ខ្លួន យ៉ាងហោចណាស់បី "
        "និងពាក់កណ្ដាលនៃកំណត់ត្រាជួញដូររបស់ឃុំ ឬរបស់មន្ត្រីម្នាក់។ អ្នកប្រើប្រាស់អាចត្រូវបានចោទថាជាអ្នកជួញដូរ "
        "ដើម្បីជំរិតទារប្រាក់ពីក្រុមគ្រួសាររបស់ពួកគេ។",
        "The personal-use quantities are this product's thresholds for a review, not the law's.",
        "បរិមាណសម្រាប់ប្រើប្រាស់ផ្ទាល់ខ្លួន គឺជាកម្រិតរបស់ប្រព័ន្ធនេះសម្រាប់ការពិនិត្យឡើងវិញ មិនមែនរបស់ច្បាប់ទេ។",
    ),
    Rule(
        "arrests_nowhere",
        Severity.HIGH,
        "Arrests that go nowhere",
        "ការចាប់ខ្លួនដែលគ្មានលទ្ធផល",
        "Records solved by arrest with nobody recorded as arrested; records closed other than solved or "
        "transferred although people were arrested (released, and the case gone); seizures with no suspect "
        "recorded (three or more).",
        "កំណត់ត្រាដោះស្រាយដោយការចាប់ខ្លួន ប៉ុន្តែគ្មាននរណាម្នាក់ត្រូវបានកត់ត្រាថាបានចាប់ខ្លួន កំណត់ត្រាដែលបិទ "
        "ដោយមិនមែនដោះស្រាយ ឬបញ្ជូន ទោះបីមានអ្នកត្រូវបានចាប់ខ្លួន (ដោះលែង ហើយសំណុំរឿងបាត់) "
        "និងការដកហូតដែលគ្មានជនសង្ស័យកត់ត្រា (បី ឬច្រើនជាងនេះ)។",
        "The register has no field of its own for the transfer of a solved case for prosecution: clearance by "
        "arrest means arrested, charged and sent for prosecution, so what is checked is that someone was arrested.",
        "បញ្ជីមិនមានវាលដាច់ដោយឡែក សម្រាប់ការបញ្ជូនសំណុំរឿងដែលបានដោះស្រាយទៅកាន់ការចោទប្រកាន់ទេ៖ "
        "ការដោះស្រាយដោយការចាប់ខ្លួន មានន័យថាបានចាប់ខ្លួន ចោទប្រកាន់ និងបញ្ជូនទៅតុលាការ "
        "ដូច្នេះអ្វីដែលត្រូវបានត្រួតពិនិត្យ គឺថាមាននរណាម្នាក់ត្រូវបានចាប់ខ្លួន។",
    ),
    Rule(
        "quick_unfounded",
        Severity.MEDIUM,
        "Quick “unfounded” closures",
        "ការបិទថា «គ្មានមូលដ្ឋាន» យ៉ាងលឿន",
        "Crimes closed as unfounded within 48 hours of the report, more than twice as often here (or by one "
        "officer) as across the whole run, with a binomial probability below 0.001.",
        "បទឧក្រិដ្ឋដែលបិទថាគ្មានមូលដ្ឋាន ក្នុងរយៈពេល ៤៨ ម៉ោងក្រោយការរាយការណ៍ ញឹកញាប់ជាងពីរដង នៅទីនេះ "
        "(ឬដោយមន្ត្រីម្នាក់) ធៀបនឹងទូទាំងការត្រួតពិនិត្យ ជាមួយប្រូបាប៊ីលីតេទ្វេធា ក្រោម ០,០០១។",
    ),
    Rule(
        "late_entry",
        Severity.MEDIUM,
        "Records entered long after the offence",
        "កំណត់ត្រាបានបញ្ចូលយូរក្រោយបទល្មើស",
        "Records entered more than 30 days after the offence, more than twice as often here (or by one officer) "
        "as across the whole run, with a binomial probability below 0.001.",
        "កំណត់ត្រាដែលបានបញ្ចូល លើសពី ៣០ ថ្ងៃក្រោយបទល្មើស ញឹកញាប់ជាងពីរដង នៅទីនេះ (ឬដោយមន្ត្រីម្នាក់) "
        "ធៀបនឹងទូទាំងការត្រួតពិនិត្យ ជាមួយប្រូបាប៊ីលីតេទ្វេធា ក្រោម ០,០០១។",
    ),
    Rule(
        "edit_after_approval",
        Severity.HIGH,
        "Edits after approval",
        "ការកែប្រែក្រោយការអនុម័ត",
        "A result report edited after its approval without being un-approved or returned first, an approved "
        "report whose supplementary values differ from those kept at approval, or records of an approved period "
        "changed after the approval with no audit event to show how.",
        "របាយការណ៍លទ្ធផលដែលត្រូវបានកែប្រែក្រោយការអនុម័ត ដោយមិនបានដកការអនុម័ត ឬបញ្ជូនត្រឡប់ជាមុន "
        "របាយការណ៍ដែលបានអនុម័ត ដែលតម្លៃបន្ថែមខុសពីតម្លៃដែលរក្សាទុកនៅពេលអនុម័ត "
        "ឬកំណត់ត្រានៃរយៈពេលដែលបានអនុម័ត ត្រូវបានផ្លាស់ប្ដូរក្រោយការអនុម័ត ដោយគ្មានព្រឹត្តិការណ៍សវនកម្មបង្ហាញពីរបៀប។",
    ),
    Rule(
        "complaints_lost",
        Severity.MEDIUM,
        "Public complaints lost or closed without action",
        "បណ្ដឹងសាធារណៈបាត់ ឬបិទដោយគ្មានសកម្មភាព",
        "Public or post-box complaints withdrawn from the register, closed with no action recorded, or closed "
        "although the citizen said the problem was not resolved (two or more).",
        "បណ្ដឹងសាធារណៈ ឬបណ្ដឹងតាមប្រអប់សំបុត្រ ដែលត្រូវបានដកចេញពីបញ្ជី បិទដោយគ្មានសកម្មភាពកត់ត្រា "
        "ឬបិទទោះបីពលរដ្ឋបាននិយាយថាបញ្ហាមិនទាន់បានដោះស្រាយ (ពីរ ឬច្រើនជាងនេះ)។",
        "Tips taken out of a post box are recorded nowhere until they are entered, so a tip that never reached the "
        "register cannot be counted; the working post boxes and the post-box records of the period are shown "
        "beside the flag instead.",
        "សំបុត្រដែលយកចេញពីប្រអប់ មិនត្រូវបានកត់ត្រានៅកន្លែងណាទេ រហូតដល់វាត្រូវបានបញ្ចូល "
        "ដូច្នេះសំបុត្រដែលមិនដែលបានចូលដល់បញ្ជី មិនអាចរាប់បានទេ៖ ប្រអប់សំបុត្រដែលដំណើរការ "
        "និងកំណត់ត្រាពីប្រអប់ក្នុងរយៈពេលនេះ ត្រូវបានបង្ហាញជំនួសវិញ។",
    ),
    Rule(
        "mediation_not_allowed",
        Severity.HIGH,
        "Mediation where it is not allowed",
        "ការសម្រុះសម្រួលនៅកន្លែងដែលមិនត្រូវបានអនុញ្ញាត",
        "Records closed as mediated whose category may not be mediated (serious crimes such as robbery, homicide, "
        "trafficking or drug dealing).",
        "កំណត់ត្រាដែលបិទដោយការសម្រុះសម្រួល ទោះបីប្រភេទរបស់វាមិនអាចសម្រុះសម្រួលបាន "
        "(បទឧក្រិដ្ឋធ្ងន់ដូចជា ប្លន់ ឃាតកម្ម ការជួញដូរមនុស្ស ឬការជួញដូរគ្រឿងញៀន)។",
    ),
    Rule(
        "solved_impossible",
        Severity.HIGH,
        "Impossible solved figures",
        "តួលេខដោះស្រាយមិនអាចទៅរួច",
        "Summary figures with more offences solved than reported (a solved share above 100 %), or more solved by "
        "arrest than solved.",
        "តួលេខសង្ខេបដែលមានបទល្មើសដោះស្រាយបាន ច្រើនជាងបទល្មើសដែលបានរាយការណ៍ (អត្រាដោះស្រាយលើសពី ១០០%) "
        "ឬដោះស្រាយដោយការចាប់ខ្លួន ច្រើនជាងចំនួនដែលបានដោះស្រាយ។",
        "The database refuses a solved record without its clearance (by arrest, or exceptional with its reason), "
        "so a solved record without clearance data cannot exist; the check reads the summary counters instead.",
        "មូលដ្ឋានទិន្នន័យបដិសេធកំណត់ត្រាដែលបានដោះស្រាយ ដោយគ្មានប្រភេទនៃការដោះស្រាយ (ដោយការចាប់ខ្លួន "
        "ឬដោយមធ្យោបាយពិសេសជាមួយហេតុផល) ដូច្នេះកំណត់ត្រាបែបនោះមិនអាចមានទេ៖ ការត្រួតពិនិត្យអានតារាងសង្ខេបជំនួសវិញ។",
    ),
    Rule(
        "audit_chain_break",
        Severity.HIGH,
        "Break in the audit chain",
        "ខ្សែសង្វាក់សវនកម្មត្រូវបានបំបែក",
        "The latest check of the audit chain found it broken: an event was deleted, edited, inserted or cut, so "
        "the history of the records cannot be trusted from that event on.",
        "ការត្រួតពិនិត្យចុងក្រោយនៃខ្សែសង្វាក់សវនកម្ម បានរកឃើញថាវាត្រូវបានបំបែក៖ ព្រឹត្តិការណ៍មួយត្រូវបានលុប កែប្រែ "
        "បញ្ចូល ឬកាត់ចេញ ដូច្នេះប្រវត្តិនៃកំណត់ត្រាមិនអាចទុកចិត្តបានចាប់ពីព្រឹត្តិការណ៍នោះតទៅ។",
    ),
    Rule(
        "regular_supplementary",
        Severity.LOW,
        "Supplementary values too regular",
        "តម្លៃបន្ថែមទៀងទាត់ពេក",
        "Over the last twelve months, the patrols and forum participants a place reported are too regular to be "
        "real counts: the same value in four reports or more, mostly multiples of ten, or last digits far from "
        "even (chi-square above the 0.001 critical value).",
        "ក្នុងរយៈពេលដប់ពីរខែចុងក្រោយ ចំនួនការល្បាត និងអ្នកចូលរួមវេទិកា ដែលទីកន្លែងមួយបានរាយការណ៍ ទៀងទាត់ពេក "
        "មិនអាចជាការរាប់ពិតប្រាកដ៖ តម្លៃដដែលក្នុងរបាយការណ៍បួន ឬច្រើនជាងនេះ ភាគច្រើនជាពហុគុណនៃដប់ "
        "ឬខ្ទង់ចុងក្រោយមិនស្មើគ្នា (chi-square លើសតម្លៃកំណត់ ០,០០១)។",
        "Budgets in riel are legitimately round and are not tested.",
        "ថវិកាជារៀល ជាលេខគត់ដោយស្របច្បាប់ ហើយមិនត្រូវបានធ្វើតេស្តទេ។",
    ),
)
BY_CODE = {rule.code: rule for rule in RULES}

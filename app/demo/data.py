"""What `demo seed` creates (API.md "Demo accounts"): people, classes and certificates.

Days are counted from the center's "today", so every situation exists whatever day it is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "lifeline-demo"
ADMIN_EMAIL = "admin@lifeline.test"
INSTRUCTOR_EMAIL = "instructor@lifeline.test"
INSTRUCTOR2_EMAIL = "instructor2@lifeline.test"
LEARNER_EMAIL = "learner@lifeline.test"
EMPLOYER_EMAIL = "hr@employer.test"
EMPLOYER_ORGANISATION = "Mercy Hospital"

ROOM_A = "Training Room A, 120 Harbor St"
ROOM_B = "Training Room B, 120 Harbor St"
SKILLS_LAB = "Skills Lab, 120 Harbor St"
HOSPITAL = "Mercy Hospital Education Center, 45 Elm Ave"


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    roles: tuple[str, ...]
    job_title: str | None = None
    instructor_number: str | None = None
    families: tuple[str, ...] = ()  # course families an instructor is authorised to teach
    organisation: str | None = None


PEOPLE: tuple[Person, ...] = (
    Person(ADMIN_EMAIL, "Alex Morgan", ("admin",), "Training coordinator"),
    Person(INSTRUCTOR_EMAIL, "Dana Whitfield", ("instructor",), "Registered nurse and CPR instructor",
           instructor_number="AHA-INS-04417",
           families=("bls", "heartsaver_cpr", "pediatric_first_aid_cpr")),
    Person(INSTRUCTOR2_EMAIL, "Luis Ortega", ("instructor",), "Paramedic and CPR instructor",
           instructor_number="ARC-INS-20931",
           families=("bls", "first_aid", "bloodborne_pathogens")),
    Person(EMPLOYER_EMAIL, "Hannah Reyes", ("employer",), "HR compliance coordinator",
           organisation=EMPLOYER_ORGANISATION),
    Person(LEARNER_EMAIL, "Jordan Rivera", ("learner",), "Registered nurse"),
    Person("maria.santos@lifeline.test", "Maria Santos", ("learner",), "EMT"),
    Person("sofia.patel@lifeline.test", "Sofia Patel", ("learner",), "Dental hygienist"),
    Person("grace.kim@lifeline.test", "Grace Kim", ("learner",), "Medical assistant"),
    Person("kevin.walsh@lifeline.test", "Kevin Walsh", ("learner",), "Paramedic student"),
    Person("tom.okafor@lifeline.test", "Tom Okafor", ("learner",), "Physical therapy assistant"),
    Person("david.chen@lifeline.test", "David Chen", ("learner",), "Fourth-grade teacher"),
    Person("aisha.johnson@lifeline.test", "Aisha Johnson", ("learner",), "Youth soccer coach"),
    Person("emily.nguyen@lifeline.test", "Emily Nguyen", ("learner",), "Daycare worker"),
    Person("marcus.brown@lifeline.test", "Marcus Brown", ("learner",), "Warehouse lead"),
    Person("nina.alvarez@lifeline.test", "Nina Alvarez", ("learner",), "Fitness instructor"),
    Person("ben.carter@lifeline.test", "Ben Carter", ("learner",), "Security officer"),
)

# Instructor authorisations run this many days past today ("current, over a year out").
AUTHORISATION_DAYS = 540


@dataclass(frozen=True)
class PlannedSession:
    course_code: str
    days_ahead: int  # negative: in the past
    local_time: str  # "HH:MM" in the center's time zone
    location: str
    instructor: str
    capacity: int | None = None  # None: the course's default capacity


# The session that started today (its times come from `now`, see demo.py).
TODAY_SESSION = PlannedSession("HS-CPR-AED", 0, "", ROOM_B, INSTRUCTOR_EMAIL, capacity=8)
TODAY_LEARNERS = ("marcus.brown@lifeline.test", "aisha.johnson@lifeline.test",
                  "ben.carter@lifeline.test")

# A full BLS class: every seat taken (learner@ holds one), two learners waiting in this order.
# The holders of the BLS cards expiring soon stay out of it, so the renewal sweep has a reminder
# for each window to send (learner@ shows the "already renewing" skip instead).
FULL_BLS_SESSION = PlannedSession("BLS-HCP", 6, "08:30", ROOM_A, INSTRUCTOR2_EMAIL, capacity=4)
FULL_BLS_SEATS = (LEARNER_EMAIL, "kevin.walsh@lifeline.test", "tom.okafor@lifeline.test",
                  "ben.carter@lifeline.test")
FULL_BLS_WAITLIST = ("nina.alvarez@lifeline.test", "david.chen@lifeline.test")

# A past Bloodborne Pathogens class with its outcomes recorded (the OSHA training record).
PAST_BBP_SESSION = PlannedSession("BBP", -20, "10:00", ROOM_B, INSTRUCTOR2_EMAIL, capacity=12)
PAST_BBP_OUTCOMES = (
    ("maria.santos@lifeline.test", "passed"),
    ("emily.nguyen@lifeline.test", "passed"),
    ("marcus.brown@lifeline.test", "passed"),
    ("ben.carter@lifeline.test", "no_show"),
)

UPCOMING_SESSIONS: tuple[PlannedSession, ...] = (
    PlannedSession("BLS-SKILLS", 2, "12:00", SKILLS_LAB, INSTRUCTOR2_EMAIL),
    PlannedSession("BLS-HCP-R", 3, "17:30", ROOM_A, INSTRUCTOR_EMAIL),
    PlannedSession("HS-CPR-AED", 4, "18:00", ROOM_B, INSTRUCTOR_EMAIL),
    PlannedSession("BBP", 5, "13:00", ROOM_A, INSTRUCTOR2_EMAIL),
    PlannedSession("HS-PEDS-FA-CPR", 8, "09:00", ROOM_B, INSTRUCTOR_EMAIL),
    PlannedSession("ARC-BLS", 9, "09:00", HOSPITAL, INSTRUCTOR2_EMAIL),
    PlannedSession("ARC-FA-CPR-AED", 11, "09:00", ROOM_B, INSTRUCTOR2_EMAIL),
    PlannedSession("BLS-HCP", 13, "08:30", ROOM_A, INSTRUCTOR_EMAIL),
    PlannedSession("HS-CPR-AED", 18, "09:00", ROOM_B, INSTRUCTOR_EMAIL),
    PlannedSession("BLS-HCP-R", 20, "17:30", HOSPITAL, INSTRUCTOR2_EMAIL),
    PlannedSession("BLS-INSTR", 25, "08:00", ROOM_A, INSTRUCTOR_EMAIL),
)


@dataclass(frozen=True)
class PlannedCertificate:
    holder: str
    course_code: str
    instructor: str
    issued_days_ago: int | None = None  # the expiry follows from the course's rule
    expires_in_days: int | None = None  # pinned expiry (negative: already expired)
    revoked_reason: str | None = None
    revocation_category: str = "withdrawn"
    external_card: tuple[str, str] | None = None  # (awarding body, its card id)


# The pinned expiries use exact-date courses, whose arithmetic can land on any day.
CERTIFICATES: tuple[PlannedCertificate, ...] = (
    PlannedCertificate("maria.santos@lifeline.test", "ARC-BLS", INSTRUCTOR2_EMAIL,
                       expires_in_days=0),
    PlannedCertificate("sofia.patel@lifeline.test", "ARC-BLS", INSTRUCTOR2_EMAIL,
                       expires_in_days=5),
    PlannedCertificate("aisha.johnson@lifeline.test", "ARC-FA-CPR-AED", INSTRUCTOR2_EMAIL,
                       expires_in_days=21),
    PlannedCertificate("grace.kim@lifeline.test", "ARC-BLS", INSTRUCTOR2_EMAIL,
                       expires_in_days=60, external_card=("ARC", "01M4XQ7")),
    PlannedCertificate("marcus.brown@lifeline.test", "ARC-FA-CPR-AED", INSTRUCTOR2_EMAIL,
                       expires_in_days=-40),
    PlannedCertificate(LEARNER_EMAIL, "BLS-HCP", INSTRUCTOR_EMAIL, issued_days_ago=680,
                       external_card=("AHA", "235418907761")),
    PlannedCertificate("david.chen@lifeline.test", "HS-PEDS-FA-CPR", INSTRUCTOR_EMAIL,
                       issued_days_ago=400),
    PlannedCertificate("emily.nguyen@lifeline.test", "HS-PEDS-FA-CPR", INSTRUCTOR_EMAIL,
                       issued_days_ago=200),
    PlannedCertificate("nina.alvarez@lifeline.test", "HS-CPR-AED", INSTRUCTOR_EMAIL,
                       issued_days_ago=300),
    PlannedCertificate("tom.okafor@lifeline.test", "HS-CPR-AED", INSTRUCTOR_EMAIL,
                       issued_days_ago=45,
                       revoked_reason="Issued in error: Tom needed BLS, not Heartsaver; "
                                      "refunded and moved to the BLS waitlist.",
                       revocation_category="issued_in_error"),
    PlannedCertificate(INSTRUCTOR_EMAIL, "BLS-INSTR", INSTRUCTOR2_EMAIL, issued_days_ago=500),
)
REVOKED_DAYS_AGO = 30

# Certificates the employer keeps an eye on: (holder, course code).
WATCH_LIST = ((LEARNER_EMAIL, "BLS-HCP"), ("sofia.patel@lifeline.test", "ARC-BLS"))

# A blended class (the BLS-SKILLS session above): one learner has done the AHA online part,
# one has not; the course's keycode bank holds one keycode fewer than KEYCODES_LOW after the
# two learners' keys are handed out, so the low-stock alert is due.
BLENDED_COURSE = "BLS-SKILLS"
BLENDED_ONLINE_PART_DONE = ("kevin.walsh@lifeline.test", "HC-BLS-2026-118304", 4)  # days ago
BLENDED_ONLINE_PART_MISSING = "tom.okafor@lifeline.test"
BLENDED_ARRIVAL_NOTES = "Park in the Harbor St garage (level 2); the Skills Lab is room 204."
BLENDED_KEYCODE_PREFIX = "AHA-HC-7Q4K-"

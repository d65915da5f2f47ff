from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    GRADUATE = "graduate", _("Postgraduate")
    UNIVERSITY = "university", _("University")
    COLLEGE = "college", _("Junior college")
    SECONDARY = "secondary", _("Technical secondary")
    HIGH_SCHOOL = "high_school", _("Senior high school")
    JUNIOR = "junior", _("Junior high school")
    PRIMARY = "primary", _("Primary school or below")


class Occupation(models.TextChoices):
    WORKER = "worker", _("Worker")
    FARMER = "farmer", _("Farmer, herder or fisher")
    PROFESSIONAL = "professional", _("Professional")
    MANAGER = "manager", _("Enterprise or institution manager")
    OFFICIAL = "official", _("Party or government staff")
    STUDENT = "student", _("Student")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    """Where a person stands on the road to membership."""

    MASSES = "masses", _("Non-member")
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Development candidate")
    MEMBER = "member", _("Party member")


class MemberCategory(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("In good standing")
    SUSPENDED = "suspended", _("Standing suspended")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    DECEASED = "deceased", _("Deceased")
    LEFT = "left", _("Left the party")


class Classification(models.TextChoices):
    """Seed 000 §三.2: members holding a post, and the four kinds of those without one."""

    OFFICE = "office", _("Holding a post")
    FARMING = "farming", _("Ordinary farming")
    WEALTHY = "wealthy", _("Well-off")
    POOR = "poor", _("In poverty")
    MIGRANT = "migrant", _("Away or migrant")
    ELDERLY = "elderly", _("Elderly")


NO_POST_CLASSES = [c for c in Classification if c != Classification.OFFICE]


class PostTitle(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    ORGANIZATION_MEMBER = "organization_member", _("Organization committee member")
    DISCIPLINE_MEMBER = "discipline_member", _("Discipline committee member")
    PROPAGANDA_MEMBER = "propaganda_member", _("Propaganda committee member")
    GROUP_LEADER = "group_leader", _("Party group leader")
    VILLAGE_DIRECTOR = "village_director", _("Village committee director")
    VILLAGE_COMMITTEE_MEMBER = "village_committee_member", _("Village committee member")
    COMMUNITY_DIRECTOR = "community_director", _("Residents' committee director")
    FIRST_SECRETARY = "first_secretary", _("First secretary")


# GB 3304 codes of China's 56 ethnic groups and "other".
ETHNICITIES = [
    ("01", _("Han")), ("02", _("Mongol")), ("03", _("Hui")), ("04", _("Tibetan")), ("05", _("Uyghur")),
    ("06", _("Miao")), ("07", _("Yi")), ("08", _("Zhuang")), ("09", _("Buyei")), ("10", _("Korean")),
    ("11", _("Manchu")), ("12", _("Dong")), ("13", _("Yao")), ("14", _("Bai")), ("15", _("Tujia")),
    ("16", _("Hani")), ("17", _("Kazakh")), ("18", _("Dai")), ("19", _("Li")), ("20", _("Lisu")),
    ("21", _("Va")), ("22", _("She")), ("23", _("Gaoshan")), ("24", _("Lahu")), ("25", _("Sui")),
    ("26", _("Dongxiang")), ("27", _("Nakhi")), ("28", _("Jingpo")), ("29", _("Kyrgyz")), ("30", _("Tu")),
    ("31", _("Daur")), ("32", _("Mulao")), ("33", _("Qiang")), ("34", _("Blang")), ("35", _("Salar")),
    ("36", _("Maonan")), ("37", _("Gelao")), ("38", _("Xibe")), ("39", _("Achang")), ("40", _("Pumi")),
    ("41", _("Tajik")), ("42", _("Nu")), ("43", _("Uzbek")), ("44", _("Russian")), ("45", _("Evenki")),
    ("46", _("De'ang")), ("47", _("Bonan")), ("48", _("Yugur")), ("49", _("Gin")), ("50", _("Tatar")),
    ("51", _("Derung")), ("52", _("Oroqen")), ("53", _("Hezhen")), ("54", _("Monba")), ("55", _("Lhoba")),
    ("56", _("Jino")), ("97", _("Other")),
]

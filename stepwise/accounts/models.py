from django.conf import settings
from django.db import models

from stepwise.rules.pack import available_packs, load_pack


class Organisation(models.Model):
    """A body whose staff use Stepwise: a school, an attendance service, a prosecutions team."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "School"
        SERVICE = "service", "Attendance service"
        PROSECUTIONS = "prosecutions", "Prosecutions team / local authority"
        MINISTRY = "ministry", "Ministry analysts"
        # Whoever runs the installation: its admins add and change every organisation
        # (stepwise.accounts.access.is_installation_admin), never a child's record.
        INSTALLATION = "installation", "Installation administrators"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The rule pack of the jurisdiction an attendance service or team works in: its words,
    # its letters and checklist, and who may refer to it. Blank: not said (a school's own
    # pack is on the School).
    pack = models.CharField(
        "rule pack",
        max_length=20,
        blank=True,
        choices=[(key, load_pack(key).name) for key in available_packs()],
    )
    # The IANA time zone its "today", deadlines and printed dates are in. Blank: its rule
    # pack's (a school's own pack, else `pack`), e.g. Pacific/Chatham for a Chatham Islands
    # school under the New Zealand pack's Pacific/Auckland.
    time_zone = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one organisation: what they may see and do there."""

    class Role(models.TextChoices):
        ATTENDANCE_OFFICER = "attendance_officer", "School attendance officer"
        SCHOOL_LEADER = "school_leader", "School leader"
        SCHOOL_ADMIN = "school_admin", "School admin"
        CASEWORKER = "caseworker", "Caseworker"
        SERVICE_MANAGER = "service_manager", "Service manager"
        PROSECUTIONS_OFFICER = "prosecutions_officer", "Prosecutions officer"
        ANALYST = "analyst", "Analyst"
        ORG_ADMIN = "org_admin", "Organisation admin"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_role_per_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"


class EnrolmentLink(models.Model):
    """A one-time, expiring link an administrator sends someone to set up two-factor sign-in.

    Only the SHA-256 of the link's secret is kept: the link itself is shown once, to
    whoever made it (stepwise.accounts.enrolment).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"enrolment link for {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"

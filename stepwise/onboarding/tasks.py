"""The background tasks of uploads, run by the task worker (`stepwise db_worker`)."""

from django.tasks import task

from .uploads import upload_run


@task()
def upload_import(upload_pk: int) -> None:
    """Import an uploaded file (stepwise.onboarding.uploads.upload_run)."""
    upload_run(upload_pk=upload_pk)

"""The background tasks of letters, run by the task worker (`stepwise db_worker`)."""

from django.tasks import task

from .batches.services import batch_run


@task()
def letter_batch_run(batch_pk: int) -> None:
    """Send or skip every item of a letter batch (stepwise.letters.batches.services.batch_run)."""
    batch_run(batch_pk=batch_pk)

"""Progress bars for long commands: shown only when work takes more than a second."""

import sys
from collections.abc import Callable

from django.conf import settings
from tqdm import tqdm


def progress_bar(*, total: int | None, desc: str, unit: str = "rows") -> tqdm:
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=True,
        delay=1.0,
        file=sys.stderr,
        disable=not settings.STEPWISE_PROGRESS,
        leave=False,
    )


def counter(bar: tqdm) -> Callable[[int], None]:
    return bar.update

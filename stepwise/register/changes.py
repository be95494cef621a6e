"""What an import changed in the register, mark by mark, for whoever must know after it."""

from dataclasses import dataclass

import numpy as np

from stepwise.schools.models import Term


@dataclass(frozen=True)
class TermChanges:
    """The marks one import changed in one term, one array element per mark."""

    term: Term
    students: np.ndarray  # student id
    slots: np.ndarray  # register slot in the term
    old: np.ndarray  # code byte before (0: no mark)
    new: np.ndarray  # code byte after
    names: tuple[str, ...]  # code letters by byte ("" for 0)

"""The NCSBN Clinical Judgment Measurement Model's six steps and a client record's tabs.

An unfolding case study walks one client through the six steps in order, one
question each; its record (history, nurse's notes, findings, orders) grows as
the case moves on. The bank rules (quizzes/bank.py) and the models share these
names, so a case file, the database and the dashboard speak of the same steps.
"""

from __future__ import annotations

# (slug, label, what the step asks of the nurse), in the model's order.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("recognize", "Recognize cues", "What matters most in what the nurse sees and hears?"),
    ("analyze", "Analyze cues", "What could the cues mean, and how do they fit together?"),
    ("prioritize", "Prioritize hypotheses", "What is most likely, and what is most urgent?"),
    ("generate", "Generate solutions", "What should be done, and what must be avoided?"),
    ("act", "Take action", "What does the nurse do first, and how?"),
    ("evaluate", "Evaluate outcomes", "Did the actions help, and what changed?"),
)
STEP_SLUGS = tuple(slug for slug, _, _ in STEPS)
STEP_LABELS = {slug: label for slug, label, _ in STEPS}

# The tabs of a client record, in the order they are shown.
TABS: tuple[tuple[str, str], ...] = (
    ("history", "History"),
    ("notes", "Nurse's notes"),
    ("findings", "Findings"),
    ("orders", "Orders"),
)
TAB_SLUGS = tuple(slug for slug, _ in TABS)

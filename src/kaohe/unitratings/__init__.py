"""Ratings between units: reverse evaluation (反向测评) and cross-department collaboration (跨部门互评).

Reverse evaluation: people in the townships and lower governments under a government rate the service
of that government's departments; the mean of a department becomes its UD04. The threat model is the
ballots' (see `kaohe.ballots`), and so are the means: participation (`ReverseParticipation`, a keyed
hash of the voter, `ballots.services.voter_hash`) is stored apart from scores (`ReverseScore`: no voter,
no time, a random key); scores stay sealed (`ballots.sealing`) while the round is open and are written
afresh, shuffled, when it closes; a department's mean is published, and recorded, only if at least
`anonymity_min` raters scored it (`ballots.suppression.tally`; `ballots.services.scheme_anonymity_min`).
The audit log records who took part, never a department or a score of a vote. A rater may leave a
department blank ("no dealings with it"), so who scored which department is known in the way the
ballots' roster is — but not what they scored.

Collaboration: units taking part in a shared task (e.g. 河长制) rate each other. These are official
unit-to-unit ratings, signed and audited with their scores; the mean a unit received over the year's
closed tasks becomes its UD05.
"""

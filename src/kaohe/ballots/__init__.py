"""Anonymous 360° ballots (民主测评) and self-summaries.

Threat model (security-reliability.md B5, C2, J1–J5). Goal: nobody — office, supervisor, ratee,
system/security/audit administrator, DBA or backup reader — can tell who voted what.

- No link is stored. `Ballot` has a random UUID4 key, a ratee, a rater role and scores; no voter,
  no time (not even a date). `Participation` holds HMAC-SM3(voter id) under the provider's index key
  and a per-round secret (stored encrypted), unique per round: the one-vote rule without a name, and
  no key in common with ballots. The audit log records participation only (`ballots.participation.record`,
  actor = voter), never a ratee, role or score (audit refuses "ballot" keys).
- No order or transaction link. Ballots are inserted in the same transaction as the participation
  and the audit event, so while a round is open their physical order and PostgreSQL `xmin` tie them
  to the voter. Therefore open ballots are sealed: the scores sit only in an encrypted, fixed-width
  column (keys live in the key file, not the database), so a database reader learns who rated whom —
  the roster, which is not secret — but not the scores. Closing the round writes every ballot afresh
  in one transaction, shuffled, with new keys, so the stored rows share nothing with any voter's
  transaction; a ballot is opened only if its rater group is shown, so the database holds in the open
  no more than is published (a lone superior's score stays sealed for good).
- No small groups. Results are released only after close, for every viewer alike, and only for
  rater groups of at least `anonymity_min` (the scheme's `policy.anonymity_min`, default 5, floor 3),
  with complementary suppression so that total minus shown groups never reveals a small group
  (`suppression`). Scoring receives exactly the published cells, so a composite score cannot be
  used to back out a hidden group either.
- No echo. The vote page is excluded from error reports (`sensitive_post_parameters`), not cached,
  shows the voter a receipt that they voted, and no page, API or export shows a participation hash
  or a voter beside ballot fields. Votes are cast on that page only, never through the API.

Residual risks, accepted and documented: someone holding both the key file and the database while
a round is open can unseal ballots and link them by transaction (the Helios-style split-key option of
C2 would remove this); deleted row versions may survive on disk until PostgreSQL vacuums them (run
VACUUM after closing) or SQLite reuses the pages; a group that votes unanimously reveals each
member's score to anyone who knows the group took part (inherent to any published mean).
"""

"""Anonymous 360° ballots (民主测评) and self-summaries."""

"""Breaking-change detection: one package per contract kind, all producing Findings."""

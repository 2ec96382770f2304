"""Reference data (agencies, counters, sectors, targets), its cache and transaction volumes."""

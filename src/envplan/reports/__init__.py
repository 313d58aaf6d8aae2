"""Documents built from services: the monthly bulletin (Word, GB/T 9704), Excel ledgers, charts."""

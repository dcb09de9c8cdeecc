"""What every Bazaar service truly shares: config keys, errors, money, logging, RPC, database."""

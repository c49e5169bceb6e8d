"""The page 'Indikatoren & Quellen': one entry per indicator of the registry, the sources."""

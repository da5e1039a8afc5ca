"""ana-story: a terminal interactive-fiction engine, and the story of the painter
Ana Kalmurzaev."""

__version__ = "0.1.0"

"""Explore: search every State a player can reach (search.py), or play many
random games (randomruns.py); the report and its text (report.py, text.py)."""
from .randomruns import random_runs
from .replay import replay_seed
from .report import Finding, PathStep, Report, dead_choices
from .search import explore
from .text import format_report

__all__ = ["Finding", "PathStep", "Report", "dead_choices", "explore", "format_report",
           "random_runs", "replay_seed"]

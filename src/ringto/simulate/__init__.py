"""Synthetic traffic for testing and benchmarking the fraud rules (`ringto simulate traffic`).

Normal traffic first (`normal.py`: business-hours arrival curves, human durations,
repeat callers, radio bursts, call centres, voting nights, phone accounts dialling out),
then injected patterns of each fraud category (`inject.py`), labelled in `labels.csv`.
Everything comes from one seeded `random.Random`, so a seed gives the same files.
Labels live only in `labels.csv`: no field of a record says whether it was injected.
"""

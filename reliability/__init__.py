"""``make reliability``: the reliability report (see ``reliability/run.py``)."""

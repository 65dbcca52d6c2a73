"""The pure analytics core: numpy in, numpy out, no Django (ARCHITECTURE "Layout").

Money enters as integer cents (int64) so every comparison against a threshold is exact
(DOMAIN "Money"); shares and ratios from the settings are turned into fractions for the same
reason.
"""

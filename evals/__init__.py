"""Evaluation of Metodstöd-assistenten: gold datasets and pure scoring functions."""

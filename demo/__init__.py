"""Demo data for both markets, built by `manage.py seed_demo`.

Everything is generated from fixed seeds, so a rerun computes the same rows, finds them by their
stable keys (slugs, SKU codes, phone numbers, order numbers) and adds nothing.
"""

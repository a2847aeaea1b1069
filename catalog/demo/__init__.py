"""Demo data for development: `manage.py load_demo` (see loader.py).

Data modules hold plain Python values; loader.py writes them through the
catalog services. Names, codes and regions are real where stated in each
module; organisation codes, addresses and phone numbers are invented.
"""

"""``python -m geoevents``."""

from geoevents.console import main

if __name__ == "__main__":
    main()

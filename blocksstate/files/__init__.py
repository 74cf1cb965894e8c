"""Files as session state: where they are stored, who owns them, who may read them.

``store`` saves and opens files through Django's storage API; ``access`` signs the
references a page sends back and the URLs it reads files from. See docs/files.md.
"""

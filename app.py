"""The browser app over your documents: ``python app.py --help`` (``make run`` runs it).

The app itself lives in the package (``assistant.ui``), so an installed copy runs it
as ``assistant ui`` or ``assistant-app``.
"""

from assistant.ui import main

if __name__ == "__main__":
    main()

from redline.tui.cli import main

raise SystemExit(main())

from kemiskinan.cli import main

raise SystemExit(main())

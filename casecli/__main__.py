from casecli.cli import main

main()

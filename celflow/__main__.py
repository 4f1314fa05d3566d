from celflow.cli import main

main()

"""`python -m ringto ...`: the same command line as the `ringto` console script."""

from ringto.cli import main

if __name__ == "__main__":
    main(prog_name="ringto")

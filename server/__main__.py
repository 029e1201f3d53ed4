"""``python -m server``: run the development server (Socket.IO with threading)."""
from server.cli import main

if __name__ == "__main__":
    main(["run", *__import__("sys").argv[1:]])

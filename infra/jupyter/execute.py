"""
Executes notebooks in order, each in a kernel of its own, in one Python process: what
`jupyter nbconvert --to notebook --execute --allow-errors` does for one notebook, without
paying Python's start-up and nbconvert's imports (2 s) again for every lesson, and with the
next notebook's kernel starting (2 s, most of a core) while this one runs.

    python execute.py OUTPUT_DIR CELL_TIMEOUT_SECONDS NOTEBOOK...

After each notebook it writes the executed copy to OUTPUT_DIR (also when execution stopped
early: its outputs say how far it got), prints one JSON line on stdout ({"notebook",
"error"}: the caller times each notebook itself), and reads one line on stdin: "next" runs
the next notebook, anything else stops (the caller checks the copy: later lessons build on
earlier ones).
"""
import json
import os
import sys

# jsonschema compiles an IRI grammar at import when rfc3987-syntax is installed (JupyterLab
# pulls it in): 1.2 s, for a format no notebook uses. Marked absent, jsonschema skips it.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402


def prepare(path: str, cell_timeout: int) -> NotebookClient:
    """The notebook's client, its kernel's process launched: it boots while another notebook runs."""
    client = NotebookClient(
        nbformat.read(path, as_version=4),
        timeout=cell_timeout,
        # An error stays in the copy as the cell's output, which says what failed (the
        # exception nbclient raises is often empty for tslab); the caller checks the copy.
        allow_errors=True,
        # tslab replies to a cell once it has run, and says idle right after: nbclient then
        # waits for the idle, iopub_timeout at most (4 s by default), and past it moved on
        # without the last outputs (lesson 09 lost them once). With 120 s, lesson 09 failed
        # once: its idle came later still. A lost idle fails, after 5 minutes.
        iopub_timeout=300,
        raise_on_iopub_timeout=True,
        # As nbconvert: the kernel starts in the notebook's folder.
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    client.create_kernel_manager()
    # Launches the process and returns; execute() waits for the kernel to be ready.
    client.start_new_kernel()
    return client


def execute(client: NotebookClient, path: str, output_dir: str) -> dict:
    error = None
    try:
        client.execute()
    except Exception as failure:  # the copy is written anyway, and the error reported
        error = f"{type(failure).__name__}: {failure}"
    nbformat.write(client.nb, os.path.join(output_dir, os.path.basename(path)))
    return {"notebook": os.path.basename(path), "error": error}


def main() -> None:
    output_dir, cell_timeout, *notebooks = sys.argv[1:]
    os.makedirs(output_dir, exist_ok=True)
    upcoming = prepare(notebooks[0], int(cell_timeout)) if notebooks else None
    for i, path in enumerate(notebooks):
        client, upcoming = upcoming, (prepare(notebooks[i + 1], int(cell_timeout)) if i + 1 < len(notebooks) else None)
        print(json.dumps(execute(client, path, output_dir)), flush=True)
        if sys.stdin.readline().strip() != "next":
            break
    if upcoming is not None:
        upcoming._cleanup_kernel()


if __name__ == "__main__":
    main()

"""Where the numbers benchmarks find the repository and the data sets."""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def default_data():
    """../shared/data relative to the repository root.  In a git worktree
    the root of the main checkout (found through git's common directory)
    is tried as well, so the default works from any checkout."""
    roots = [ROOT]
    try:
        common = subprocess.run(["git", "-C", ROOT, "rev-parse", "--path-format=absolute", "--git-common-dir"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout.decode().strip()
        if common:
            roots.append(os.path.dirname(common))
    except (OSError, subprocess.CalledProcessError):
        pass
    for r in roots:
        d = os.path.normpath(os.path.join(r, "..", "shared", "data"))
        if os.path.isdir(d):
            return d
    return os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))

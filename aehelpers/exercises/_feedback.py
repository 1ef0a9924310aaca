"""What an exercise check prints: a verdict, and a hint that gets stronger on each retry."""

from collections import Counter

# (check name, kind of mistake) -> how many times a learner has met it in this kernel.
_tries = Counter()


def passed(text):
    """Print 'Correct: text' and return True."""
    print("Correct: " + text)
    return True


def not_yet(check, mistake, text, hints=()):
    """Print 'Not yet: text' and a hint for this mistake; return False.

    ``check`` names the check and ``mistake`` the kind of mistake (a short key such as
    "strides"). ``hints`` go from gentle to strong: the first time a mistake is met the first
    hint is printed, the next time the second, and so on (the last one repeats). A hint
    points the way; it never prints the solution.
    """
    _tries[(check, mistake)] += 1
    print("Not yet: " + text)
    if hints:
        print("Hint: " + hints[min(_tries[(check, mistake)], len(hints)) - 1])
    return False


def reset_hints():
    """Forget every retry count (tests start from the gentlest hint)."""
    _tries.clear()


def not_a_function(check, answer, signature, hints=()):
    """Say what is wrong when a function was asked for and ``answer`` is None or not one.

    ``signature`` shows the function asked for, e.g. "mask(images, fraction)". Returns False
    after printing (as :func:`not_yet`), or None when ``answer`` is a function.
    """
    if answer is None:
        return not_yet(check, "none", f"the answer is still None: write a function "
                       f"{signature} in the cell above and run it again.", hints)
    if not callable(answer):
        return not_yet(check, "type", f"expected a function {signature}, got "
                       f"{type(answer).__name__}.", hints)
    return None

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

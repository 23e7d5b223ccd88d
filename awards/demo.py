def seed(*, stdout):
    return []

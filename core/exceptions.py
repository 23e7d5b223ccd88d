class BusinessRuleError(Exception):
    """A write refused by a business rule. The message is shown to the user as is (already translated)."""

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)

"""A small error hierarchy. Each message is one sentence a user can act on;
the CLI and the web UI turn these into a line of text, never a traceback."""


class BotError(Exception):
    """Base class: the message is shown to the user as is."""


class ConfigError(BotError):
    pass


class IngestError(BotError):
    """One file could not be ingested; the others go on."""


class StoreError(BotError):
    pass


class ModelMismatchError(StoreError):
    pass


class QuestionError(BotError):
    """The question cannot be answered at all (empty, unreadable...)."""


class ToolError(BotError):
    """A sizing tool was called with arguments it cannot use."""


class LLMError(BotError):
    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable

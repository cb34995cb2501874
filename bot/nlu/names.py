"""Names the NLU writes into its output that others read (the action server, benches): kept apart
from the Rasa components so that reading them imports no Rasa (and no TensorFlow) into a process."""

ENTITY = "procedure"
OBJECT = "object"  # words of a message that names no known procedure but something else (bot/nlu/followup.py)
ALSO_ASKED = "also_asked"  # other topics the message asks, comma-separated (bot/nlu/arbiter.py)
CLASSIFIER = "ProcedureClassifier"  # the extractor named on the classifier's guesses

"""Questionnaires and responses: the questionnaire model and its loaders, skip logic,
answer validation, storage, offers catalogue, demo data and the public web form."""

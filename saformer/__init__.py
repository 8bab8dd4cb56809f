"""Command-line front end of the SAFormer flow (`saformer <command>`)."""

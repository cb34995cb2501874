"""The languages of the people the assistant serves, beside Vietnamese (issue 15)."""

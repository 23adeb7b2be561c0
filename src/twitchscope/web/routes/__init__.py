"""The app's routes: pages for people (questions, labs, diary, picture), recordings and review,
accounts, and the JSON API."""

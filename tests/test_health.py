def test_healthz_answers_without_database_or_allowed_host(client):
    # Without the django_db mark any query would raise: the answer needs no database.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.content == b"ok\n"

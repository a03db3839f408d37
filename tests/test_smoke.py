def test_home_page_is_public_and_indonesian(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()

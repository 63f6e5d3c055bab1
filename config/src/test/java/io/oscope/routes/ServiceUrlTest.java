package io.oscope.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceUrlTest {

  @ParameterizedTest
  @CsvSource({
    "192.168.141.245:8888/image,                     http://192.168.141.245:8888/image",
    "http://Keystone.Example:5000/v3/,               http://keystone.example:5000/v3",
    "https://h/v3,                                   https://h:443/v3",
    "http://h:80,                                    http://h:80",
    "http://h:8774/v2.1/$(project_id)s,              http://h:8774/v2.1",
    "http://h:8774/v2.1/%(tenant_id)s/servers,       http://h:8774/v2.1",
    "http://h:8776/v3/{project_id},                  http://h:8776/v3",
    "http://h:9292//image//?x=1,                     http://h:9292/image",
    "http://[::1]:5000/v3,                           http://[::1]:5000/v3",
  })
  void normalises(String raw, String normalised) {
    assertThat(ServiceUrl.parse(raw).toString()).isEqualTo(normalised);
  }

  @ParameterizedTest
  @CsvSource({
    "'',                 URL is empty",
    "ftp://h/x,          scheme 'ftp' is not http or https",
    "http://h:x/v3,      port 'x' is not a number",
    "http://u@h/v3,      user information is not allowed",
    "http://::1/v3,      IPv6 addresses need brackets",
    "http://[::1/v3,     IPv6 address has no closing ']'",
  })
  void rejectsWhatIsNotAServiceUrl(String raw, String message) {
    assertThatThrownBy(() -> ServiceUrl.parse(raw)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}

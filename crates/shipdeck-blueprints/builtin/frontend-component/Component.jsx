{% if typescript %}type Props = { title?: string };

{% endif %}export function {{ name | pascal_case }}({ title = "{{ title }}" }{% if typescript %}: Props{% endif %}) {
  return (
    <section className="{{ name | kebab_case }}">
      <h2>{title}</h2>
    </section>
  );
}

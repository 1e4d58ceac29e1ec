export default function MemberArea() {
  return null
}
